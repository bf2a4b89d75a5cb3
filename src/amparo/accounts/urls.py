from django.urls import include, path

from amparo.accounts import account_views, views

urlpatterns = [
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("audit/", include("amparo.audit.urls")),
    path("users/", account_views.account_list_view, name="account-list"),
    path("users/new/", account_views.account_create_view, name="account-create"),
    path("users/<int:pk>/", account_views.account_edit_view, name="account-edit"),
    path("users/<int:pk>/active/", account_views.account_active_view, name="account-active"),
    path("users/<int:pk>/second-factor/", account_views.account_second_factor_reset_view, name="account-otp-reset"),
    path("users/<int:pk>/password/", account_views.account_password_reset_view, name="account-password-reset"),
    path("account/password/<uidb64>/<token>/", account_views.PasswordSetView.as_view(), name="password-set"),
    path("account/password/done/", account_views.PasswordSetDoneView.as_view(), name="password-set-done"),
]
