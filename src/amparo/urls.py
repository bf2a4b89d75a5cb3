from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("amparo.accounts.urls")),
    path("", include("amparo.web.urls")),
    path("", include("amparo.reports.urls")),
    path("", include("amparo.casework.urls")),
    path("exchange/", include("amparo.exchange.urls")),
    path("", include("amparo.release.urls")),
    path("linkage/", include("amparo.linkage.urls")),
    path("", include("amparo.api.urls")),
]

handler500 = "amparo.web.errors.server_error"
