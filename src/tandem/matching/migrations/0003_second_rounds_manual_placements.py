# Second rounds (issue 14 §3): a round that follows an earlier one, and placements made by hand.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0002_background_runs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='selectionround',
            name='follows',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='second_rounds', to='matching.selectionround'),
        ),
        migrations.AddField(
            model_name='placement',
            name='manual',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='placement',
            name='placed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='placement',
            name='placed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
