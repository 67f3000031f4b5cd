"""The invoices mutual aid holds (reserved by a submitted claim) are held in the shared aid ledger as well,
so that no other programme (medical aid for needy workers) pays them again."""

from django.db import migrations


def copy(apps, schema_editor):
    ClaimInvoice = apps.get_model("mutual_aid", "ClaimInvoice")
    InvoiceUse = apps.get_model("aid", "InvoiceUse")
    rows = ClaimInvoice.objects.filter(reserved=True).values_list("number", "claim_id", "claim__case_id",
                                                                  "claim__case__number")
    InvoiceUse.objects.bulk_create([
        InvoiceUse(number=number, source="mutual_aid", programme="医疗互助", object_id=claim, case_id=case,
                   reference=reference) for number, claim, case, reference in rows.iterator(chunk_size=2000)],
        batch_size=2000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("mutual_aid", "0004_payments_moved"), ("aid", "0001_initial")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
