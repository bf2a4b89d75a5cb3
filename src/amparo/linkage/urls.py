from django.urls import path

from amparo.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.review_view, name="review"),
    path("pairs/<int:first>/<int:second>/decide/", views.decide_view, name="decide"),
]
