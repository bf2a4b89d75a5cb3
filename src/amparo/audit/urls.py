from django.urls import path, re_path

from amparo.audit import views

urlpatterns = [
    path("", views.audit_search, name="audit-search"),
    re_path(r"^export\.(?P<kind>csv|xlsx)$", views.audit_export, name="audit-export"),
]
