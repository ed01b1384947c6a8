import { describeJourneys, feedbackJourney, leaveJourney, surveyJourney } from './journeys.ts';

// The first half of the main journeys (journeys-more.test.ts runs the rest
// beside it), each in every way of working: see journeys.ts and journey-kit.ts.
describeJourneys('main journeys in every way of working', [
  surveyJourney,
  feedbackJourney,
  leaveJourney,
]);
