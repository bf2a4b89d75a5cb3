from django.urls import path, register_converter

from amparo.reports import views


class _TableFormat:
    regex = "csv|xlsx|json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(_TableFormat, "tableformat")

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("dashboard/methods/", views.methods_view, name="dashboard-methods"),
    path("dashboard/hotspots/", views.hotspots_view, name="dashboard-hotspots"),
    path("dashboard/crosstab/", views.crosstab_view, name="dashboard-crosstab"),
    path("dashboard/compare/", views.compare_view, name="dashboard-compare"),
    path("dashboard/routes/", views.routes_view, name="dashboard-routes"),
    path("dashboard/tables/<slug:name>.<tableformat:fmt>", views.table_download_view, name="dashboard-table"),
    path("dashboard/report/", views.report_download_view, name="report-download"),
]
