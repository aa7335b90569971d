"""Any write of what the outcome figures are computed from (services, admin, the demo)
retires the cached and, once it is committed, the stored figures
(``figures.cached_outcome_figures``) at once."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core import cache_versions

from .figures import figures_changed
from .models import Baseline, BudgetPeriod, FollowUp, MonthlyRate, Shipment


def _figures_changed(sender, **kwargs):
    transaction.on_commit(figures_changed)
    cache_versions.bump(cache_versions.OUTCOMES)


for _model in (Baseline, BudgetPeriod, FollowUp, MonthlyRate, Shipment):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _figures_changed,
            sender=_model,
            dispatch_uid=f"outcomes-figures-{_signal is post_save}-{_model.__name__}",
        )
