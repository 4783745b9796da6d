class CronTriggerTimetable:
    def __init__(self, cron, *, timezone):
        self.cron = cron
        self.timezone = timezone
