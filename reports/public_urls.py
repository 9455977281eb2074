"""URLs of the public site's own pages, under /<lang>/: countries and the methodology."""

from django.urls import path

from reports import public_views

urlpatterns = [
    path("countries/", public_views.countries, name="countries"),
    path("countries/<str:code>/", public_views.country, name="country"),
    path("methodology/", public_views.methodology_page, name="methodology"),
]
