from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — a dict value in a template."""
    return mapping.get(key, []) if hasattr(mapping, "get") else []


@register.filter
def field_value(values, key):
    """The value to put back into a form field: ``""`` when absent; a list as one item per line."""
    if not hasattr(values, "get"):
        return ""
    value = values.get(key, "")
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else value


@register.filter
def money(value):
    """``12345.6`` → ``12,345.60`` (core.numbers.money)."""
    from gonghui.core.numbers import money as format_money

    return format_money(value)


@register.filter(name="mask_phone")
def mask_phone_filter(value):
    """138****1234 on screen."""
    from gonghui.core.pii import mask_phone

    return mask_phone(value or "") if value else "—"
