from django.urls import path

from fairrecruit.certification import views

app_name = "certification"
urlpatterns = [
    path("certification/", views.home, name="home"),
    path("certification/register/", views.register, name="register"),
    path("certification/verify/", views.verify_lookup, name="verify_lookup"),
    path("certification/verify/<str:number>/", views.verify, name="verify"),
    path(
        "certification/certificates/<str:number>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certification/certificates/<str:number>/manage/", views.certificate_manage, name="certificate_manage"
    ),
    path("certification/schemes/new/", views.scheme_new, name="scheme_new"),
    path("certification/schemes/<slug:code>/", views.scheme_detail, name="scheme"),
    path("certification/schemes/<slug:code>/monitoring/", views.monitoring, name="monitoring"),
    path("certification/self-assessments/new/", views.self_assessment_new, name="self_assessment_new"),
    path("certification/self-assessments/<id:pk>/", views.self_assessment, name="self_assessment"),
    path("certification/applications/<id:pk>/", views.application, name="application"),
    path("certification/audits/<id:pk>/", views.audit, name="audit"),
    path("certification/audits/<id:pk>/report.pdf", views.audit_report, name="audit_report"),
    path("certification/evidence/<id:pk>/", views.evidence, name="evidence"),
    path("certification/conflicts/", views.conflicts, name="conflicts"),
    path("certification/conflicts/register/", views.conflict_register, name="conflict_register"),
    path("certification/bodies/", views.bodies, name="bodies"),
    path("certification/bodies/<id:pk>/", views.body, name="body"),
    path("certification/schemes/<slug:code>/settings/", views.scheme_settings, name="scheme_settings"),
    path("certification/invoices/", views.invoices, name="invoices"),
    path("certification/invoices/<str:number>/", views.invoice, name="invoice"),
]
