//! Migrations that rebuild a table keep its rows, on both databases, up and down.

use sea_orm::{EntityTrait, QueryOrder, Set};
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

    // The key is (wave, id): the same id again in the same wave is refused.
    let mut again: response::ActiveModel = before[0].clone().into();
    again.answers = Set("{}".to_owned());
    let err = response::Entity::insert(again).exec(&app.db).await;
    assert!(err.is_err(), "a second row with one key must be refused");
    assert_eq!(stored(&app).await.len(), 5);
}
