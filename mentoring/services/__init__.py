"""Writes of the mentoring app: mentorships and logs, trainings and registrations."""

from .mentorships import *  # noqa: F403
from .trainings import *  # noqa: F403
