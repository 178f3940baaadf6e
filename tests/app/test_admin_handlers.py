"""The 管理 tab's events keep to the admin rule of uploads and deletes; bad dates are named."""

from __future__ import annotations

from app.kb import KnowledgeBase
from app.web.admin_handlers import AdminHandlers


def _texts(result) -> str:
    return " ".join(str(x) for x in result if isinstance(x, str))


def test_admin_password_is_required_when_set(make_settings):
    h = AdminHandlers(KnowledgeBase(make_settings(admin_password="s3cret")))
    assert "请输入管理员密码" in _texts(h.refresh("", "", "", ""))
    assert "管理员密码不正确" in _texts(h.export("nope", "", "", ""))
    assert "请输入管理员密码" in _texts(h.save("", None, "问", "", "答", "", "李"))
    assert "请输入管理员密码" in _texts(h.export_faq(""))
    assert "pkb-admin" in _texts(h.refresh("s3cret", "", "", ""))
    assert "格式不对" in _texts(h.refresh("s3cret", "2026/03/01", "", ""))


def test_open_binding_without_password_is_refused(make_settings):
    h = AdminHandlers(KnowledgeBase(make_settings(host="0.0.0.0")))
    assert "未设置管理员密码" in _texts(h.refresh("", "", "", ""))
    local = AdminHandlers(KnowledgeBase(make_settings()))
    assert "pkb-admin" in _texts(local.refresh("", "", "", ""))
