import {
  describeJourneys,
  pulseJourney,
  reportJourney,
  roadmapJourney,
  triageJourney,
} from './journeys.ts';

// The second half of the main journeys (journeys.test.ts runs the first),
// each in every way of working: see journeys.ts and journey-kit.ts.
describeJourneys('more main journeys in every way of working', [
  roadmapJourney,
  pulseJourney,
  triageJourney,
  reportJourney,
]);
