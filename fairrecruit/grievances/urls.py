from django.urls import path

from fairrecruit.grievances import views

app_name = "grievances"
urlpatterns = [
    path("complain/", views.complaint_new, name="new"),
    path("complain/follow/", views.complaint_follow, name="follow"),
    path("grievances/statistics/", views.statistics, name="statistics"),
    path("grievances/cases/", views.case_list, name="cases"),
    path("grievances/cases/<str:code>/", views.case_detail, name="case"),
    path("grievances/cases/<str:code>/access/", views.case_access, name="access"),
    path(
        "grievances/cases/<str:code>/evidence/<uuid:attachment_id>/", views.evidence_download, name="evidence"
    ),
    path("grievances/routing/", views.routing, name="routing"),
    path("grievances/routing/<id:rule_id>/", views.routing, name="routing_edit"),
    path("grievances/programmes/", views.programme_list, name="programmes"),
    path("grievances/programmes/<id:programme_id>/", views.programme_detail, name="programme"),
    path("grievances/webhook/messages/", views.message_webhook, name="webhook"),
]
