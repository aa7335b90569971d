"""Export readiness, defined once: the list of checks (``checks``) and everything derived
from it (``selectors``), with template tags for the pages that show a checklist."""
