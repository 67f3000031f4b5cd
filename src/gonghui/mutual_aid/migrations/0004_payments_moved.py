"""The payment batches move to the shared payments app (gonghui.payments): every batch and line is copied
with its id (a line now names what it pays by source and id, its handling organisation, case and bank
reference), the sequences are moved past the copied ids, and mutual aid's own tables are dropped."""

from django.db import migrations


def copy(apps, schema_editor):
    OldBatch = apps.get_model("mutual_aid", "PaymentBatch")
    OldLine = apps.get_model("mutual_aid", "PaymentLine")
    Batch = apps.get_model("payments", "PaymentBatch")
    Line = apps.get_model("payments", "PaymentLine")
    Batch.objects.bulk_create([Batch(
        pk=b.pk, number=b.number, source="mutual_aid", tag=str(b.plan_year.year) if b.plan_year_id else "",
        history=b.history, org_id=b.org_id, state=b.state, created_by_id=b.created_by_id, created_at=b.created_at,
        approved_by_id=b.approved_by_id, approved_at=b.approved_at, exported_at=b.exported_at, total=b.total,
        count=b.count) for b in OldBatch.objects.select_related("plan_year")], batch_size=1000)
    lines = OldLine.objects.select_related("claim__case").order_by("pk")
    chunk = []
    for line in lines.iterator(chunk_size=2000):
        case = line.claim.case
        chunk.append(Line(pk=line.pk, batch_id=line.batch_id, source="mutual_aid", object_id=line.claim_id,
                          org_id=case.org_id, case_id=case.pk, reference=case.number, purpose="医疗互助补助金",
                          payee=line.payee, bank_name=line.bank_name, account_enc=line.account_enc,
                          account_last4=line.account_last4, amount=line.amount, status=line.status,
                          reason=line.reason, bank_reference=line.bank_reference, settled_at=line.settled_at))
        if len(chunk) >= 2000:
            Line.objects.bulk_create(chunk)
            chunk = []
    Line.objects.bulk_create(chunk)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Batch, Line]):
            cursor.execute(sql)


def no_style():
    from django.core.management.color import no_style as style

    return style()


class Migration(migrations.Migration):

    dependencies = [
        ('mutual_aid', '0003_plan_year_administration'),
        ('payments', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='planyear',
            options={'ordering': ['-year'], 'permissions': [('manage_mutual_aid', '管理医疗互助（参保、缴费）'), ('administer_plan_years', '设置活动年度、项目和补助规则，批准逾期申请')], 'verbose_name': '活动年度', 'verbose_name_plural': '活动年度'},
        ),
        migrations.DeleteModel(
            name='PaymentLine',
        ),
        migrations.DeleteModel(
            name='PaymentBatch',
        ),
    ]
