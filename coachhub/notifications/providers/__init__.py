"""What is due, per feature: each module registers its reminder lines, digest sections and
calendar events (`due.reminder_provider`, `calendar.CALENDAR_PROVIDERS`).

Every provider takes all members at once and costs one or two queries.
"""
