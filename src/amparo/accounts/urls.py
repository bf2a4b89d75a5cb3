from django.urls import include, path

from amparo.accounts import views

urlpatterns = [
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("audit/", include("amparo.audit.urls")),
]
