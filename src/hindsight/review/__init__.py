"""The guided review: the question bank, answer rules and progress. No Qt."""
