//! Migrations that rebuild a table keep its rows, on both databases, up and down.

use sea_orm::{EntityTrait, QueryOrder};
use trygg::collect::Access;
use trygg::entities::response;
use trygg_migrations::{Migrator, MigratorTrait};

use crate::db_tests;
use crate::helpers::TestApp;
use crate::responses::{create_wave, post, synth_bodies};

db_tests!(responses_keep_their_rows_when_their_key_becomes_wave_and_id);

async fn stored(app: &TestApp) -> Vec<response::Model> {
    response::Entity::find()
        .order_by_asc(response::Column::Id)
        .all(&app.db)
        .await
        .expect("responses")
}

async fn responses_keep_their_rows_when_their_key_becomes_wave_and_id(app: TestApp) {
    let wave = create_wave(&app, "resident-safety", "nyckel", Access::Open).await;
    for body in synth_bodies("resident-safety", 5, 41) {
        assert_eq!(post(&app, &wave.slug, &body).await.0, 201);
    }
    let before = stored(&app).await;
    assert_eq!(before.len(), 5);

    // Down to the key of the response id alone, and up again: the rows as they were.
    Migrator::down(&app.db, Some(1)).await.expect("down");
    assert_eq!(stored(&app).await, before, "after down");
    Migrator::up(&app.db, None).await.expect("up");
    assert_eq!(stored(&app).await, before, "after up");

    // New responses go in beside them, and a wave's export still lists each once, by id.
    let more = synth_bodies("resident-safety", 3, 42);
    for body in &more {
        assert_eq!(post(&app, &wave.slug, body).await.0, 201);
    }
    let after = stored(&app).await;
    assert_eq!(after.len(), 8);
    assert!(before.iter().all(|r| after.contains(r)));
    let exported = trygg::store::responses::export_rows(&app.db, &wave.id)
        .await
        .expect("export");
    let ids: Vec<&str> = exported.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "by id, each once");
}
