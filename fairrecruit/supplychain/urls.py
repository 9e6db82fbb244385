from django.urls import path

from fairrecruit.supplychain import views, views_survey

app_name = "supplychain"
urlpatterns = [
    path("supply-chain/", views.home, name="home"),
    path("supply-chain/<id:pk>/remove/", views.remove, name="remove"),
    path("supply-chain/import/", views.import_file, name="import"),
    path("supply-chain/surveys/", views_survey.survey_list, name="surveys"),
    path("supply-chain/surveys/<id:pk>/", views_survey.survey_detail, name="survey"),
    path("supply-chain/surveys/<id:pk>/poster/", views_survey.survey_poster, name="survey_poster"),
    path("supply-chain/surveys/<id:pk>/programme/", views_survey.survey_programme, name="survey_programme"),
    path("supply-chain/surveys/<id:pk>/correct/", views_survey.survey_correct, name="survey_correct"),
    path("fee-survey/<slug:code>/", views_survey.answer, name="answer"),
    path("fee-survey/<slug:code>/repayment/", views_survey.repayment, name="repayment"),
]
