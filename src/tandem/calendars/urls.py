from django.urls import path

from tandem.calendars import views as v

urlpatterns: list = [
    path("calendar/<str:token>.ics", v.feed, name="calendar_feed"),
    path("account/calendar/", v.account_calendar, name="account_calendar"),
    path("mentorships/<int:mentorship_id>/log/sessions/<int:session_id>/calendar.ics", v.session_ics,
         name="session_ics"),
    path("mentorships/<int:mentorship_id>/log/sessions/<int:session_id>/cancel-rest/", v.series_cancel_rest,
         name="session_series_cancel_rest"),
]
