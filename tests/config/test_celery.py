from django.conf import settings

from config.celery_app import app


def test_every_periodic_job_names_a_registered_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in registered
    ]
    assert missing == []


def test_tasks_are_json_serialised_with_time_limits():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
    assert settings.CELERY_TASK_ACKS_LATE is True
