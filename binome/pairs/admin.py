from django.contrib import admin

from .models import Pair


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "started_on", "closed_on")
    list_filter = ("status",)
    raw_id_fields = ("mentor", "mentee")
