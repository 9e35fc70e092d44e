from django.contrib.auth import views as auth_views
from django.urls import path

from tandem.accounts import invitation_views, oidc, views
from tandem.accounts.forms import PasswordResetRequestForm

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            form_class=PasswordResetRequestForm,
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("account/tokens/", views.tokens, name="tokens"),
    path("people/invitations/", invitation_views.invitation_list, name="invitations"),
    path("people/invitations/<int:invitation_id>/resend/", invitation_views.invitation_resend, name="invitation_resend"),
    path("people/invitations/<int:invitation_id>/revoke/", invitation_views.invitation_revoke, name="invitation_revoke"),
    path("people/<str:employee_id>/invite/", invitation_views.person_invite, name="person_invite"),
    path("oidc/authenticate/", oidc.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/invitation/<str:key>/", invitation_views.invitation_accept, name="invitation_accept"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
