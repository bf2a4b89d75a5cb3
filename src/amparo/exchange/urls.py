from django.urls import path, re_path

from amparo.exchange import views

app_name = "exchange"
urlpatterns = [
    path("import/", views.import_view, name="import"),
    path("export/", views.export_view, name="export"),
    path("sources/", views.sources_view, name="sources"),
    path("batches/", views.batches_view, name="batches"),
    path("batches/<int:pk>/", views.batch_view, name="batch"),
    re_path(r"^batches/(?P<pk>\d+)/rejected\.(?P<kind>csv|xlsx)$", views.rejections_download, name="rejections"),
    re_path(r"^template\.(?P<kind>csv|xlsx)$", views.template_download, name="template"),
]
