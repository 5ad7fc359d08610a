// Jest for every Lightning Web Component in the repo (force-app and the relay's pages), on top of
// sfdx-lwc-jest's config as trailheadapps/lwc-recipes does. CommonJS because the root package is ESM.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

const forceAppMocks = '<rootDir>/force-app/test/jest-mocks';

module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app', '<rootDir>/relay-service/web'],
  testMatch: ['**/__tests__/**/*.test.js'],
  moduleNameMapper: {
    // force-app: shared mocks for lightning/* modules (force-app/test/jest-mocks)
    '^lightning/graphql$': `${forceAppMocks}/lightning/graphql`,
    '^lightning/navigation$': `${forceAppMocks}/lightning/navigation`,
    '^lightning/platformShowToastEvent$': `${forceAppMocks}/lightning/platformShowToastEvent`,
    '^lightning/uiRecordApi$': `${forceAppMocks}/lightning/uiRecordApi`,
    '^lightning/uiObjectInfoApi$': `${forceAppMocks}/lightning/uiObjectInfoApi`,
    '^lightning/uiRelatedListApi$': `${forceAppMocks}/lightning/uiRelatedListApi`,
    // relay-service/web: the relay pages' namespace `sl` (sl/styles is a CSS-only module)
    '^sl/styles$': '<rootDir>/relay-service/web/modules/sl/styles/styles.css',
    '^sl/(\\w+)$': '<rootDir>/relay-service/web/modules/sl/$1/$1',
  },
  testPathIgnorePatterns: [...jestConfig.testPathIgnorePatterns, '<rootDir>/force-app/.browser-build/'],
};
