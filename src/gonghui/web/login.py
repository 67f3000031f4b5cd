"""What the sign-in pages of every surface share."""

from __future__ import annotations

from gonghui.accounts import security


class ThrottledLoginMixin:
    """Refuse sign-in attempts from an address that failed too often (accounts.security)."""

    def post(self, request, *args, **kwargs):
        if security.ip_throttled(request):
            form = self.get_form()
            form.add_error(None, "此网络登录失败次数过多，请10分钟后再试。")
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)
