# Competency reviews (issue 11 §1): campaigns, reviews, assignments, answers.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_grai'),
        ('people', '0004_person_left_on'),
        ('programs', '0003_timeline_cadence_eligibility'),
    ]

    operations = [
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('competencies', models.ManyToManyField(related_name='+', to='people.competency')),
                ('subject', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='competency_reviews', to='people.person')),
            ],
            options={
                'ordering': ['campaign', 'subject__full_name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReviewAssignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('role', models.CharField(choices=[('self', 'Self'), ('mentor', 'Mentor'), ('manager', 'Line manager'), ('peer', 'Peer')], max_length=10, verbose_name='role')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted')),
                ('rater', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_assignments', to='people.person')),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='assessments.review')),
            ],
            options={
                'ordering': ['review', 'role', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReviewAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField(verbose_name='level')),
                ('note', models.CharField(blank=True, max_length=500, verbose_name='note')),
                ('competency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.competency')),
                ('rating', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.competencyrating')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='assessments.reviewassignment')),
            ],
            options={
                'ordering': ['assignment', 'competency__group__order', 'competency__name'],
            },
        ),
        migrations.CreateModel(
            name='ReviewCampaign',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('baseline', 'Baseline'), ('follow_up', 'Follow-up'), ('final', 'Final')], max_length=12, verbose_name='kind')),
                ('opens_on', models.DateField(verbose_name='opens on')),
                ('closes_on', models.DateField(verbose_name='closes on')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='people.person')),
                ('milestone', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='review_campaigns', to='programs.programmilestone')),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_campaigns', to='programs.program')),
            ],
            options={
                'verbose_name': 'review campaign',
                'verbose_name_plural': 'review campaigns',
                'ordering': ['program', '-opens_on', '-id'],
            },
        ),
        migrations.AddField(
            model_name='review',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='assessments.reviewcampaign'),
        ),
        migrations.AddConstraint(
            model_name='reviewassignment',
            constraint=models.UniqueConstraint(fields=('review', 'rater'), name='one_assignment_per_rater'),
        ),
        migrations.AddConstraint(
            model_name='reviewassignment',
            constraint=models.UniqueConstraint(condition=models.Q(('role', 'peer'), _negated=True), fields=('review', 'role'), name='one_self_mentor_manager_per_review'),
        ),
        migrations.AddConstraint(
            model_name='reviewanswer',
            constraint=models.UniqueConstraint(fields=('assignment', 'competency'), name='one_answer_per_competency'),
        ),
        migrations.AddConstraint(
            model_name='reviewanswer',
            constraint=models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 5)), name='review_answer_level_1_5'),
        ),
        migrations.AddConstraint(
            model_name='reviewcampaign',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='review_closes_after_opening'),
        ),
        migrations.AddConstraint(
            model_name='reviewcampaign',
            constraint=models.UniqueConstraint(condition=models.Q(('milestone__isnull', False)), fields=('program', 'milestone'), name='one_review_campaign_per_milestone'),
        ),
        migrations.AddConstraint(
            model_name='reviewcampaign',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'baseline')), fields=('program',), name='one_baseline_review_per_program'),
        ),
        migrations.AddConstraint(
            model_name='review',
            constraint=models.UniqueConstraint(fields=('campaign', 'subject'), name='one_review_per_subject'),
        ),
    ]
