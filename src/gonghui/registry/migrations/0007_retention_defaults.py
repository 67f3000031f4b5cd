"""The shipped retention rules (examples the federation adjusts in the admin)."""

from django.db import migrations

RULES = [
    ("sms_codes", "短信验证码记录", 30, "delete", "验证码5分钟失效；记录保留30天备查"),
    ("import_files", "导入的原始文件", 90, "delete", "导入完成后原始文件保留90天；导入结果和错误报告另存"),
    ("refused_bindings", "未通过的绑定申请", 180, "delete", "姓名、身份证号等申请信息在决定后保留180天"),
    ("left_members", "离会职工的档案", 1825, "anonymise",
     "离会满5年且没有在办事项的，匿名化；补助支付、信访等依法须保存的记录保留"),
]


def create(apps, schema_editor):
    RetentionRule = apps.get_model("registry", "RetentionRule")
    for code, label, days, action, note in RULES:
        RetentionRule.objects.get_or_create(code=code, defaults={"label": label, "days": days, "action": action,
                                                                 "note": note})


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_retention_rules")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
