"""Reads of accounts for the administrators' pages."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from amparo.accounts.models import User


def accounts_list(*, query: str = "", role: str = "", inactive: bool = False) -> QuerySet[User]:
    """Accounts by user name, each with `has_second_factor`; active ones only unless asked."""
    accounts = User.objects.select_related("organisation").annotate(
        has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )
    if query.strip():
        words = query.split()
        for word in words:
            accounts = accounts.filter(
                Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
    if role:
        accounts = accounts.filter(role=role)
    if not inactive:
        accounts = accounts.filter(is_active=True)
    return accounts.order_by("username")
