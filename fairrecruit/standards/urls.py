from django.urls import path

from fairrecruit.standards import views

app_name = "standards"
urlpatterns = [
    path("standards/", views.standards_list, name="list"),
    path("standards/law/<str:country>/", views.law_detail, name="law"),
    path("standards/<str:standard_id>/", views.standard_detail, name="detail"),
    path("charges/", views.charges, name="charges"),
    path("check/", views.check_fees, name="check"),
    path("check/statement.pdf", views.check_statement, name="statement"),
    path("check/examples/", views.examples, name="examples"),
    path("check/examples/<str:journey_id>/", views.example, name="example"),
    path("check/examples/<str:journey_id>/statement.pdf", views.example_statement, name="example_statement"),
]
