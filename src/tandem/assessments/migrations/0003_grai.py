# GRAI reviews (issue 11 §4): reviews and their comments.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_survey_templates"),
        ("mentorships", "0006_library_search"),
        ("people", "0004_person_left_on"),
    ]

    operations = [
        migrations.CreateModel(
            name='GraiReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('side', models.CharField(choices=[('mentee', 'Mentee'), ('mentor', 'Mentor')], max_length=10, verbose_name='side')),
                ('cadence', models.CharField(choices=[('daily', 'Every day'), ('weekly', 'Every week'), ('monthly', 'Every month')], default='weekly', max_length=10, verbose_name='period')),
                ('period_start', models.DateField(verbose_name='period')),
                ('goal', models.TextField(max_length=2000, verbose_name='goal')),
                ('result', models.TextField(max_length=2000, verbose_name='result')),
                ('analysis', models.TextField(max_length=2000, verbose_name='analysis')),
                ('insight', models.TextField(max_length=2000, verbose_name='insight')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='grai_reviews', to='people.person')),
                ('mentorship', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grai_reviews', to='mentorships.mentorship')),
            ],
            options={
                'verbose_name': 'GRAI review',
                'verbose_name_plural': 'GRAI reviews',
                'ordering': ['-period_start', '-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='GraiComment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(max_length=2000, verbose_name='comment')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='assessments.graireview')),
            ],
            options={
                'verbose_name': 'GRAI comment',
                'verbose_name_plural': 'GRAI comments',
                'ordering': ['review', 'created_at', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='graireview',
            index=models.Index(fields=['mentorship', '-period_start'], name='grai_mentorship_period'),
        ),
        migrations.AddIndex(
            model_name='graireview',
            index=models.Index(fields=['author', '-period_start'], name='grai_author_period'),
        ),
        migrations.AddConstraint(
            model_name='graireview',
            constraint=models.UniqueConstraint(fields=('mentorship', 'author', 'period_start'), name='one_grai_review_per_author_period'),
        ),
        migrations.AddConstraint(
            model_name='graireview',
            constraint=models.CheckConstraint(condition=models.Q(('side__in', ['mentee', 'mentor'])), name='grai_side_known'),
        ),
        migrations.AddConstraint(
            model_name='graireview',
            constraint=models.CheckConstraint(condition=models.Q(('cadence__in', ['daily', 'weekly', 'monthly'])), name='grai_cadence_known'),
        ),
    ]
