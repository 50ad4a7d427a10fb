// Routes: /login outside the frame; everything else needs a signed-in user.
import { Flex, Spin } from 'antd';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './auth/AuthContext';
import { AppLayout } from './components/AppLayout';
import { LegalEntitiesPage } from './pages/LegalEntitiesPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ClientCardPage } from './pages/clients/ClientCardPage';
import { ClientsPage } from './pages/clients/ClientsPage';
import { ExcelImportPage } from './pages/integration/ExcelImportPage';
import { IntegrationPage } from './pages/integration/IntegrationPage';
import { ObjectCardPage } from './pages/objects/ObjectCardPage';
import { ObjectsPage } from './pages/objects/ObjectsPage';
import { PremiseCardPage } from './pages/premises/PremiseCardPage';
import { PremisesPage } from './pages/premises/PremisesPage';
import { UsersPage } from './pages/users/UsersPage';

function RequireAuth() {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) {
    return (
      <Flex align="center" justify="center" style={{ minHeight: '100vh' }}>
        <Spin size="large" />
      </Flex>
    );
  }
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

export function App() {
  const { loading } = useAuth();
  return (
    <Routes>
      <Route path="/login" element={loading ? null : <LoginPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={<Navigate to="/premises" replace />} />
          <Route path="premises" element={<PremisesPage />} />
          <Route path="premises/:id" element={<PremiseCardPage />} />
          <Route path="clients" element={<ClientsPage />} />
          <Route path="clients/:id" element={<ClientCardPage />} />
          <Route path="objects" element={<ObjectsPage />} />
          <Route path="objects/:id" element={<ObjectCardPage />} />
          <Route path="legal-entities" element={<LegalEntitiesPage />} />
          <Route path="settings/users" element={<UsersPage />} />
          <Route path="settings/integration" element={<IntegrationPage />} />
          <Route path="import/excel" element={<ExcelImportPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
