from django.urls import path

from amparo.audit import views

urlpatterns = [
    path("", views.audit_search, name="audit-search"),
]
