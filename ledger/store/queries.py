"""SQL shared by the export command and the Datasette canned queries, so both find the
same claims for the same speaker or search term."""

# A speaker given by name or id, ignoring case; failing that, by an alias, but only an alias
# that names one speaker ("Flake" is Jeff Flake's alias and his namesake's: it matches neither).
SPEAKER_MATCH = """claims.speaker_id in (
    select id from speakers where id = :speaker collate nocase or name = :speaker collate nocase
    union
    select speaker_id from speaker_aliases where alias = :speaker collate nocase
      and not exists (select 1 from speakers where id = :speaker collate nocase or name = :speaker collate nocase)
      and (select count(distinct speaker_id) from speaker_aliases where alias = :speaker collate nocase) = 1
)"""

# Full-text match; :q goes through escape_fts (Datasette registers it, export does too) so
# punctuation in a search term is never FTS syntax.
SEARCH_MATCH = "claims.rowid in (select rowid from claims_fts where claims_fts match escape_fts(:q))"

# Claims with the article columns a reader needs next to a quote.
CLAIMS_WITH_ARTICLE = """select claims.*, articles.title as article_title, articles.url as article_url,
  cluster_members.cluster_id, cluster_members.is_first as cluster_first, cluster_members.diff as cluster_diff
from claims join articles on articles.id = claims.article_id
left join cluster_members on cluster_members.claim_id = claims.id"""

READING_ORDER = "order by claims.date, claims.article_id, claims.content_start"
