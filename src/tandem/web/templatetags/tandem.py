from django import template

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """The translated value of a Translatable field: ``{{ competency|tr:"description" }}``."""
    return obj.tr(field) if hasattr(obj, "tr") else getattr(obj, field, "")
