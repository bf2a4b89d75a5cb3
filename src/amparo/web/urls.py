from django.contrib.auth import views as auth_views
from django.urls import path

from amparo.web import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", views.case_list_view, name="case-list"),
    path("cases/<int:pk>/", views.case_detail_view, name="case-detail"),
]
