"""Tasks that run on their own at regular intervals (reminders, renewals, feeds, purges).

An app declares them on its ``AppConfig`` as ``scheduled_tasks``: a mapping from a French name
to ``(task path, interval)``. The worker enqueues each one when it is due (``enqueue_due``), and
``quartiers taches`` does the same from cron, or shows when each last ran. A row per name
records the last time it was enqueued, claimed by one conditional update: two workers never
enqueue the same run twice.
"""
