from django.urls import path, register_converter

from amparo.release import views
from amparo.release.domain.files import FILE_NAMES


class _FileName:
    regex = "|".join(name.replace(".", r"\.") for name in FILE_NAMES)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(_FileName, "releasefile")

urlpatterns = [
    path("releases/", views.release_list_view, name="release-list"),
    path("releases/new/", views.release_create_view, name="release-create"),
    path("releases/<int:pk>/", views.release_detail_view, name="release-detail"),
    path("releases/<int:pk>/approve/", views.release_approve_view, name="release-approve"),
    path("releases/<int:pk>/files/<releasefile:name>", views.release_file_view, name="release-file"),
    path("public/", views.public_index_view, name="public-index"),
    path("public/methods/", views.public_methods_view, name="public-methods"),
    path("public/<int:year>/", views.public_year_view, name="public-year"),
    path("public/<int:year>/<releasefile:name>", views.public_file_view, name="public-file"),
]
