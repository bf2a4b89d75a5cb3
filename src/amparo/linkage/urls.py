from django.urls import path

from amparo.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.review_view, name="review"),
    path("pairs/<int:first>/<int:second>/decide/", views.decide_view, name="decide"),
    path("victims/", views.victim_find_view, name="victim-find"),
    path("victims/<str:key>/", views.victim_view, name="victim"),
    path("victims/<str:key>/merge/", views.merge_view, name="merge"),
    path("victims/<str:key>/split/", views.split_view, name="split"),
]
