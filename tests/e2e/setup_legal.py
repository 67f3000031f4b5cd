"""Set-up for the legal-aid browser test, run in the server's database (``server.shell``): a second finance
officer who already has an authenticator (the demo's own officer enrols in the mutual-aid test)."""


def finance_officer_with_an_authenticator() -> str:
    """The account ``legal_finance`` (finance at the city, authenticator enrolled); returns the base32 secret."""
    import base64

    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gonghui.accounts.demo_accounts import DEMO_PASSWORD
    from gonghui.accounts.models import Role, RoleAssignment
    from gonghui.orgs.models import Org

    user, created = get_user_model().objects.get_or_create(username="legal_finance", defaults={
        "name": "法援财务", "org": Org.objects.get(depth=1), "must_change_password": False})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=Role.objects.get(code="finance"), org=user.org)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="验证器", confirmed=True)
    return base64.b32encode(device.bin_key).decode().rstrip("=")
