import '@servicenow/sdk/global';

declare global {
  namespace Now {
    namespace Internal {
      interface Keys extends KeysRegistry {
        explicit: {
          'acl-recording-delete': {
            table: 'sys_security_acl';
            id: 'c977422a2d2f4aba8ec680f371783782';
          };
          'acl-recording-read': {
            table: 'sys_security_acl';
            id: '36bcaab0c7674ec0b1c751e7df7ac6fc';
          };
          bom_json: {
            table: 'sys_module';
            id: '657a208fb2154b8b96cb963d8ac98844';
          };
          'br-relay-url-scratchpad': {
            table: 'sys_script';
            id: '7c59de2f64f643ddaf2b96e7b1a30f44';
          };
          'oauth-relay-client': {
            table: 'oauth_entity';
            id: 'd826f31c145b436ca5bab2e06cd7f183';
          };
          package_json: {
            table: 'sys_module';
            id: '48c715cc7d254c96a415ab3a130350d6';
          };
          'prop-attachment-url': {
            table: 'sys_properties';
            id: 'db4903ca0b924254aaae9161c13b7208';
          };
          'prop-recording': {
            table: 'sys_properties';
            id: '647c0bea019a499ab3f432c4df60454a';
          };
          'prop-relay-url': {
            table: 'sys_properties';
            id: '33a1c9e9300e467c8c426738731754ef';
          };
          'sp-widget-screen-share': {
            table: 'sp_widget';
            id: 'b3feaca077844e3780cbc779810d46e8';
          };
          'ui-action-start-screen-share': {
            table: 'sys_ui_action';
            id: 'e288c11c284241ec9ff21140db5aa166';
          };
        };
        composite: [
          {
            table: 'sys_user_role';
            id: '4435c837b23947a88e11c994c43f7e6c';
            key: {
              name: 'x_sightline_share.manager';
            };
          },
          {
            table: 'sys_user_role';
            id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
            key: {
              name: 'x_sightline_share.agent';
            };
          },
          {
            table: 'sys_ui_action_role';
            id: 'de5531f38ee940799100b4421f50bf32';
            key: {
              sys_ui_action: 'e288c11c284241ec9ff21140db5aa166';
              sys_user_role: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
          {
            table: 'sys_user_role_contains';
            id: 'eea7b858a61d4910a50c11658a85f929';
            key: {
              role: {
                id: '4435c837b23947a88e11c994c43f7e6c';
                key: {
                  name: 'x_sightline_share.manager';
                };
              };
              contains: {
                id: 'd80c3eaf7b424cd7ad6b086bd65dd3c9';
                key: {
                  name: 'x_sightline_share.agent';
                };
              };
            };
          },
        ];
      }
    }
  }
}
