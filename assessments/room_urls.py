"""URLs of the workshop room (phones), under /<lang>/workshop/; the QR code's short link is /j/<code>/."""

from django.urls import path

from assessments.views import room

app_name = "room"

urlpatterns = [
    path("", room.join, name="join"),
    path("<str:code>/", room.join_session, name="join_session"),
    path("session/<int:session_pk>/", room.phone, name="phone"),
    path("session/<int:session_pk>/state/", room.phone_state, name="phone_state"),
    path("session/<int:session_pk>/answer/", room.phone_answer, name="phone_answer"),
]
