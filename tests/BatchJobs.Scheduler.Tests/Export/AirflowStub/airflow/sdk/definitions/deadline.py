class AsyncCallback:
    def __init__(self, callback_callable, kwargs=None):
        self.path = callback_callable
        self.kwargs = kwargs or {}


class DeadlineAlert:
    def __init__(self, reference, interval, callback):
        self.reference = reference
        self.interval = interval
        self.callback = callback


class DeadlineReference:
    DAGRUN_LOGICAL_DATE = "DAGRUN_LOGICAL_DATE"
    DAGRUN_QUEUED_AT = "DAGRUN_QUEUED_AT"
