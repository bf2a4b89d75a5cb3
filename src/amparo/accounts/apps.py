from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "amparo.accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        from django.contrib import admin
        from django_otp.admin import OTPAdminSite

        # The Django admin accepts only sessions verified with a second factor.
        admin.site.__class__ = OTPAdminSite
