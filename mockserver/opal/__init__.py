"""The Optimizely Opal tools service of FullStory's connector: discovery and fifteen tools that
do their work through the FullStory API (see :mod:`mockserver.opal.service`)."""
