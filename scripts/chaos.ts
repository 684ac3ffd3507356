// SKELETON: npm run chaos -- --orders 100 (chaos work)
