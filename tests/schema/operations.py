"""GraphQL documents that several tests send as they are: the busy write paths (the statement counts of
``test_write_query_counts``, the publish job) and a pair made by hand."""

from __future__ import annotations

BOOK = """
mutation($input: BookSessionInput!) {
  bookSession(input: $input) {
    __typename
    ... on SessionPayload { session { id startsAtParis kind } }
    ... on UserError { code field message }
  }
}"""

START = """
mutation($input: StartRunInput!) {
  startRun(input: $input) {
    __typename
    ... on RunPayload { run { id status } }
    ... on UserError { code field message }
  }
}"""

PUBLISH = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload { run { status } created { id } }
    ... on UserError { code field message }
  }
}"""

RECORD = """
mutation($input: RecordAbsenceInput!) {
  recordAbsence(input: $input) {
    __typename
    ... on AbsencePayload { cancelledSessions handoverRun { id status } absence { id long } }
    ... on UserError { code field message }
  }
}"""

CREATE_MENTORSHIP = """
mutation($input: CreateMentorshipInput!) {
  createMentorship(input: $input) {
    __typename
    ... on MentorshipPayload { mentorship { id } }
    ... on UserError { code field message }
  }
}"""
