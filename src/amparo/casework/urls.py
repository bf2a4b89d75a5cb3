from django.urls import path

from amparo.casework import care_views, case_views, history_views

urlpatterns = [
    path("cases/new/", case_views.case_create_view, name="case-create"),
    path("cases/<int:pk>/edit/", case_views.case_edit_view, name="case-edit"),
    path("cases/<int:pk>/conflicts/<int:conflict_id>/", case_views.conflict_view, name="casework-conflict"),
    path("casework/ubigeo/options/", case_views.ubigeo_options_view, name="casework-ubigeo-options"),
    path("cases/<int:pk>/care/", care_views.care_view, name="casework-case"),
    path("cases/<int:pk>/care/assessments/", care_views.assessment_create_view, name="casework-assessment-create"),
    path("cases/<int:pk>/care/plans/", care_views.plan_create_view, name="casework-plan-create"),
    path("cases/<int:pk>/care/arrangements/", care_views.arrangement_create_view, name="casework-arrangement-create"),
    path("cases/<int:pk>/care/referrals/", care_views.referral_create_view, name="casework-referral-create"),
    path("cases/<int:pk>/history/", history_views.history_view, name="casework-history"),
    path("cases/<int:pk>/history/notes/", history_views.note_create_view, name="casework-note-create"),
    path("cases/<int:pk>/close/", history_views.case_close_view, name="casework-case-close"),
    path("cases/<int:pk>/attachments/", history_views.attachment_create_view, name="casework-attachment-create"),
    path(
        "casework/attachments/<int:attachment_id>/",
        history_views.attachment_download_view,
        name="casework-attachment-download",
    ),
    path("cases/<int:pk>/summary/", history_views.summary_view, name="casework-summary"),
    path("casework/plans/<int:plan_id>/decision/", care_views.plan_decide_view, name="casework-plan-decide"),
    path("casework/plans/<int:plan_id>/placement/", care_views.plan_place_view, name="casework-plan-place"),
    path("casework/visits/<int:visit_id>/", care_views.visit_record_view, name="casework-visit-record"),
    path(
        "casework/referrals/<int:referral_id>/status/", care_views.referral_status_view, name="casework-referral-status"
    ),
    path("casework/", care_views.home_view, name="casework-home"),
    path("casework/queue/", care_views.queue_view, name="casework-queue"),
    path("casework/caseload/", care_views.caseload_view, name="casework-caseload"),
    path("casework/statistics/", care_views.statistics_view, name="casework-statistics"),
]
