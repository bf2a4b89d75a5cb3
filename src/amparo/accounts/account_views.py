"""The administrators' pages for user accounts, and the page where an account's owner sets a password through
the one-time link an administrator gave them. Thin: every change is a service of accounts.services."""

from django.contrib import messages
from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amparo.accounts import services
from amparo.accounts.access import require
from amparo.accounts.forms import AccountForm, AccountSearchForm
from amparo.accounts.models import User
from amparo.accounts.roles import Capability
from amparo.accounts.selectors import accounts_list

PAGE_SIZE = 50


def _account(request, pk) -> User:
    require(request.user, Capability.USERS)
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


def _account_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields if name != "username"}


@require_http_methods(["GET"])
def account_list_view(request):
    require(request.user, Capability.USERS)
    form = AccountSearchForm(request.GET or None)
    wanted = form.cleaned_data if form.is_bound and form.is_valid() else {}
    accounts = accounts_list(
        query=wanted.get("query", ""), role=wanted.get("role", ""), inactive=wanted.get("inactive", False)
    )
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/account_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _link_page(request, account: User, path: str, created: bool):
    link = request.build_absolute_uri(path)
    return render(request, "accounts/password_link.html", {"account": account, "link": link, "created": created})


@require_http_methods(["GET", "POST"])
def account_create_view(request):
    require(request.user, Capability.USERS)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = services.account_create(
            actor=request.user, username=form.cleaned_data["username"], request=request, **_account_fields(form)
        )
        return _link_page(request, account, services.password_setting_path(account), created=True)
    return render(request, "accounts/account_form.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def account_edit_view(request, pk):
    account = _account(request, pk)
    form = AccountForm(request.POST or None, instance=User.objects.get(pk=account.pk))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=request.user, account=account, request=request, **_account_fields(form))
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
            status = 403
        else:
            messages.success(request, _("The account of %(name)s was saved.") % {"name": account.username})
            return redirect("account-edit", pk=account.pk)
    elif form.errors:
        status = 400
    return render(request, "accounts/account_form.html", {"form": form, "account": account}, status=status)


def _refused_or_done(request, account: User, change, done: str):
    try:
        change()
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("You may not change this account."))
    else:
        messages.success(request, done)
    return redirect("account-edit", pk=account.pk)


@require_POST
def account_active_view(request, pk):
    account = _account(request, pk)
    active = request.POST.get("active") == "1"
    done = (_("%(name)s may log in again.") if active else _("%(name)s can no longer log in.")) % {
        "name": account.username
    }
    return _refused_or_done(
        request,
        account,
        lambda: services.account_set_active(actor=request.user, account=account, active=active, request=request),
        done,
    )


@require_POST
def account_second_factor_reset_view(request, pk):
    account = _account(request, pk)
    done = _("The second factor of %(name)s was removed: they set up a new one at their next login.") % {
        "name": account.username
    }
    return _refused_or_done(
        request,
        account,
        lambda: services.account_second_factor_reset(actor=request.user, account=account, request=request),
        done,
    )


@require_POST
def account_password_reset_view(request, pk):
    account = _account(request, pk)
    try:
        path = services.account_password_reset(actor=request.user, account=account, request=request)
    except PermissionDenied as refused:
        messages.error(request, str(refused) or _("You may not change this account."))
        return redirect("account-edit", pk=account.pk)
    return _link_page(request, account, path, created=False)


class PasswordSetView(PasswordResetConfirmView):
    """Where an account's owner sets a password through their one-time link (no login needed)."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("password-set-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_password_set(account=form.user, request=self.request)
        return response


class PasswordSetDoneView(PasswordResetCompleteView):
    template_name = "accounts/password_set_done.html"
